import axios from 'axios';
import { fullPath } from '../../lib/core/request-url';

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
