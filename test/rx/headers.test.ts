import { toFields, toHeaders } from '../../src/rx/headers';

describe('headers', () => {
  it('sends pseudo-headers first, lowercases names, repeats arrays and skips undefined', () => {
    expect(toFields({ 'Content-Type': 'text/plain', ':status': 200, 'x-a': ['1', 2], 'x-u': undefined })).toEqual([
      [':status', '200'],
      ['content-type', 'text/plain'],
      ['x-a', '1'],
      ['x-a', '2'],
    ]);
    expect(toFields([['X-B', '1'], [':path', '/']])).toEqual([['x-b', '1'], [':path', '/']]);
  });

  it('joins repeated fields, cookie crumbs with "; ", and keeps set-cookie as an array', () => {
    const h = toHeaders([[':status', '200'], ['via', 'a'], ['via', 'b'], ['cookie', 'a=1'], ['cookie', 'b=2'], ['set-cookie', 'x=1'], ['set-cookie', 'y=2']]);
    expect({ ...h }).toEqual({ ':status': '200', via: 'a, b', cookie: 'a=1; b=2', 'set-cookie': ['x=1', 'y=2'] });
  });
});
