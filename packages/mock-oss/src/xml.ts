import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { OssError } from './errors.js';

/** Largest XML request body the mock parses; OSS caps its configuration bodies similarly. */
export const MAX_XML_BODY_BYTES = 2 * 1024 * 1024;

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** Escapes text for an XML element body or attribute value. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => {
    if (c === '&') return '&amp;';
    if (c === '<') return '&lt;';
    if (c === '>') return '&gt;';
    if (c === '"') return '&quot;';
    return '&apos;';
  });
}

/** An element tree for {@link renderXml}: text, a child list, or nothing (an empty element). */
export type XmlNode = string | number | boolean | undefined | null | readonly XmlChild[];
/** One child element: `[name, content]`. */
export type XmlChild = readonly [string, XmlNode];

/** Serializes one root element with the XML declaration, the way OSS writes its bodies. */
export function renderXml(root: string, children: XmlChild[]): string {
  return XML_DECLARATION + renderElement(root, children);
}

function renderElement(name: string, content: XmlNode): string {
  if (content === undefined || content === null) return `<${name}/>`;
  if (Array.isArray(content)) {
    let inner = '';
    for (const [childName, childContent] of content)
      inner += renderElement(childName, childContent);
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(content))}</${name}>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  maxNestedTags: 20,
  isArray: () => true,
});

/** A parsed element: its children by name, each a list in document order. */
export interface XmlElement {
  [name: string]: Array<XmlElement | string> | undefined;
}

/**
 * Parses an XML request body. Document type declarations are refused outright, so no entity can
 * expand; only the predefined and numeric character references are decoded.
 *
 * @throws OssError MalformedXML when the body is not well-formed, too large, or declares a DTD.
 */
export function parseXmlBody(body: Uint8Array, rootName: string): XmlElement {
  if (body.byteLength > MAX_XML_BODY_BYTES) {
    throw new OssError('MalformedXML', 'The XML you provided was too large.');
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(body);
  if (/<!DOCTYPE|<!ENTITY/i.test(text) || XMLValidator.validate(text) !== true) {
    throw malformed();
  }
  let document: Record<string, unknown>;
  try {
    document = parser.parse(text) as Record<string, unknown>;
  } catch {
    throw malformed();
  }
  const roots = document[rootName];
  const root = Array.isArray(roots) ? roots[0] : undefined;
  if (root === '') return {};
  if (root === undefined || typeof root !== 'object' || root === null) throw malformed();
  return root as XmlElement;
}

function malformed(): OssError {
  return new OssError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema.',
  );
}

/** The child elements named `name` (objects only). */
export function children(element: XmlElement, name: string): XmlElement[] {
  const list = element[name] ?? [];
  return list.map((item) => (typeof item === 'string' ? {} : item));
}

/** The text of the first child named `name`, or undefined when absent. */
export function childText(element: XmlElement, name: string): string | undefined {
  const first = element[name]?.[0];
  if (first === undefined) return undefined;
  if (typeof first === 'string') return first;
  const text = first['#text']?.[0];
  return typeof text === 'string' ? text : '';
}
