// Run with `npm run demo`: scripts/with-realm.sh has put a realm up and exported its
// KRB5_CONFIG, KRB5CCNAME (alice's ticket) and HTTP_URL.
import axios from 'axios';
import { kerberosAuth } from 'axios-kerberos';

const api = axios.create({ baseURL: process.env.HTTP_URL });
kerberosAuth({ hosts: ['localhost'] }).install(api);

try {
  const response = await api.get('/negotiate/');
  console.log(`GET ${process.env.HTTP_URL}/negotiate/`);
  console.log(`status: ${response.status}`);
  console.log(`authenticated as: ${response.headers['x-remote-user']}`);
  // With mutual authentication 'required' (the default on http:), a response whose server
  // token is missing or does not verify is an error, so reaching this line means it held.
  console.log('mutual authentication: verified');
} catch (error) {
  console.error(`demo failed: ${error.code ?? ''} ${error.message}`);
  process.exitCode = 1;
}
