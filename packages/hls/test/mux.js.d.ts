/** The few parts of mux.js (which ships no types) the tests use. */
declare module 'mux.js' {
  export interface TransmuxerEvent {
    type: string;
    info: Record<string, number>;
    data: Uint8Array;
  }
  class Transmuxer {
    constructor(options?: { remux?: boolean });
    on(event: 'data', listener: (event: TransmuxerEvent) => void): void;
    push(bytes: Uint8Array): void;
    flush(): void;
  }
  const muxjs: { mp4: { Transmuxer: typeof Transmuxer } };
  export default muxjs;
}

declare module 'mux.js/lib/tools/ts-inspector.js' {
  interface Timing {
    pts: number;
    dts: number;
  }
  const inspector: {
    inspect(bytes: Uint8Array): {
      video?: Timing[];
      audio?: Timing[];
      firstKeyFrame?: Timing;
    } | null;
  };
  export default inspector;
}
