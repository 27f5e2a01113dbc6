/** Frames as they travel on the wire (docs/protocol.md): a JSON object with a `type`. */

export type Frame = { type: string; id?: string; [key: string]: unknown };

/** A message or SSE event carries one frame, or under load a JSON array of frames in order. */
export function parseFrames(data: unknown): Frame[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(data));
  } catch {
    return [];
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.filter((f): f is Frame => typeof f === 'object' && f !== null && typeof (f as Frame).type === 'string');
}
