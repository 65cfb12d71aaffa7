import { XMLBuilder, XMLParser } from 'fast-xml-parser';

/**
 * Every value stays a string: keys like `007` or ETags must not turn into numbers, and the
 * elements that may repeat are always arrays, even when a page holds one.
 */
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  isArray: (name) => ARRAY_ELEMENTS.has(name),
});

const ARRAY_ELEMENTS = new Set(['Contents', 'CommonPrefixes', 'Rule']);

const builder = new XMLBuilder({ ignoreAttributes: true, suppressEmptyNode: false });

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A parsed element: text children are strings, repeated children arrays. */
export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

/** Parses an XML body; an empty or malformed body gives `undefined`. */
export function parseXml(body: Uint8Array | string): XmlNode | undefined {
  const text = typeof body === 'string' ? body : decoder.decode(body);
  if (text.trim() === '') return undefined;
  try {
    return parser.parse(text) as XmlNode;
  } catch {
    return undefined;
  }
}

/** Serializes a document with the XML declaration OSS expects. */
export function buildXml(document: XmlNode): Uint8Array {
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(document) as string}`;
  return encoder.encode(text);
}

/** The text of a child element, when it is one. */
export function textOf(node: XmlValue | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  const value = node[name];
  if (typeof value === 'string') return value;
  // An empty element parses as '' with trimValues off, but be lenient with empty objects.
  if (value !== undefined && !Array.isArray(value) && Object.keys(value).length === 0) return '';
  return undefined;
}

/** A child element as a node, when it is one. */
export function childOf(node: XmlValue | undefined, name: string): XmlNode | undefined {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return undefined;
  const value = node[name];
  if (value === undefined || typeof value === 'string' || Array.isArray(value)) return undefined;
  return value;
}

/** A repeated child element as a list (empty when absent). */
export function listOf(node: XmlValue | undefined, name: string): XmlValue[] {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return [];
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The fields of an OSS `<Error>` document, all as strings. */
export interface ErrorDocument {
  code?: string;
  message?: string;
  requestId?: string;
  /** Every child element but Code, Message and RequestId, by element name. */
  details: Record<string, string>;
}

/** Reads the service's error body; `undefined` when the body is not an `<Error>` document. */
export function parseErrorDocument(body: Uint8Array | string): ErrorDocument | undefined {
  const root = childOf(parseXml(body), 'Error');
  if (root === undefined) return undefined;

  const details: Record<string, string> = {};
  for (const [name, value] of Object.entries(root)) {
    if (typeof value === 'string' && !['Code', 'Message', 'RequestId'].includes(name)) {
      details[name] = value;
    }
  }
  const document: ErrorDocument = { details };
  const code = textOf(root, 'Code');
  const message = textOf(root, 'Message');
  const requestId = textOf(root, 'RequestId');
  if (code !== undefined) document.code = code;
  if (message !== undefined) document.message = message;
  if (requestId !== undefined) document.requestId = requestId;
  return document;
}
