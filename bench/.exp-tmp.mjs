import http from 'node:http';
import { execFileSync } from 'node:child_process';
import axios from 'axios';
import { kerberosAuth } from 'axios-kerberos';
const api = axios.create({ httpAgent: new http.Agent({ keepAlive: false }) });
const seen = [];
api.interceptors.response.use((r) => { seen.push([r.status, String(r.config.headers.Cookie ?? '-').slice(0, 60), r.headers['set-cookie']?.[0]?.slice(0, 60)]); return r; }, (e) => { seen.push([e.response?.status, String(e.config?.headers?.Cookie ?? '-').slice(0, 60), e.response?.headers['set-cookie']?.[0]?.slice(0,60)]); throw e; });
kerberosAuth({ hosts: 'localhost', session: true }).install(api);
const url = `${process.env.HTTP_URL}/session/?c=exp`;
for (let i = 0; i < 3; i++) await api.get(url + '&p=before');
execFileSync('bash', ['scripts/realm.sh', 'rotate-session-key', process.env.REALM_DIR]); await new Promise((r) => setTimeout(r, Number(process.env.PAUSE ?? 0)));
await Promise.all(Array.from({ length: 16 }, () => api.get(url + '&p=after')));

for (const x of seen) console.log(JSON.stringify(x));
