/**
 * Stream entry ids as Redis makes them: `<epoch ms>-<sequence>`, ordered by time, then sequence.
 * Shared by the memory store and the cursors of the activity logs.
 */
export interface StreamId {
  ms: number;
  sequence: number;
}

const STREAM_ID = /^(\d{1,16})-(\d{1,16})$/;

export function isStreamId(text: string): boolean {
  return STREAM_ID.test(text);
}

export function parseStreamId(id: string): StreamId {
  const match = STREAM_ID.exec(id);
  if (!match) throw new TypeError(`not a stream id: ${id}`);
  return { ms: Number(match[1]), sequence: Number(match[2]) };
}

export function compareStreamIds(a: string, b: string): number {
  const first = parseStreamId(a);
  const second = parseStreamId(b);
  return first.ms - second.ms || first.sequence - second.sequence;
}
