import axios from 'axios';
import { fullPath, isReplayable } from '../../lib/core/config';
import { Readable } from 'node:stream';

describe('fullPath (the request URL, as axios builds it)', () => {
  const cases: [string | undefined, string | undefined, boolean | undefined][] = [
    ['https://api.example.com', '/things', undefined],
    ['https://api.example.com/', 'things', undefined],
    ['https://api.example.com/v1///', '//things', undefined],
    ['https://api.example.com', 'https://other.example.com/x', undefined],
    ['https://api.example.com', 'https://other.example.com/x', false],
    [undefined, 'http://h.example:8080/a?b=c', undefined],
    ['http://h.example', undefined, undefined],
    ['http://h.example', '', undefined],
    ['http://[::1]:8080', '/x', undefined],
  ];
  it.each(cases)('matches axios getUri for baseURL %s and url %s', (baseURL, url, allowAbsoluteUrls) => {
    const expected = axios.getUri({ baseURL, url, allowAbsoluteUrls });
    expect(fullPath(baseURL, url, allowAbsoluteUrls)).toBe(expected);
  });
});

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
