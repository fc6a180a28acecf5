import { negotiate } from '../../lib';
import { realm } from './helpers/realm';

describe('negotiate() with Node’s global fetch', () => {
  it('authenticates a fetch request and verifies the server', async () => {
    const url = `${realm.url}/negotiate/`;
    const ticket = await negotiate(url);
    const response = await fetch(url, { headers: { Authorization: ticket.header } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-remote-user')).toBe(realm.alice);
    await expect(ticket.verify(response.headers.get('www-authenticate'))).resolves.toBeUndefined();
  });

  it('refuses a reply whose token belongs to another exchange', async () => {
    const url = `${realm.url}/negotiate/`;
    const first = await negotiate(url);
    const second = await negotiate(url);
    const reply = await fetch(url, { headers: { Authorization: first.header } });
    await expect(second.verify(reply.headers.get('www-authenticate'))).rejects.toMatchObject({
      code: 'ERR_KERBEROS_MUTUAL_AUTH',
    });
  });
});
