import { Readable } from 'node:stream';
import { isReplayable } from '../../lib/core/replayable-body';

describe('isReplayable', () => {
  it('accepts bodies that can be sent twice and refuses streams', () => {
    expect(isReplayable(undefined)).toBe(true);
    expect(isReplayable('text')).toBe(true);
    expect(isReplayable(Buffer.from('x'))).toBe(true);
    expect(isReplayable(new URLSearchParams('a=1'))).toBe(true);
    expect(isReplayable(new FormData())).toBe(true);
    expect(isReplayable(Readable.from(['x']))).toBe(false);
    expect(isReplayable(new ReadableStream())).toBe(false);
  });
});
