// The ceiling: what Node's own HTTP server does with the same request when it does nothing else:
// read the body, JSON.parse it, answer a small JSON. alertpipe's figures are ratios to this one.
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const alerts = Array.isArray(body) ? body.length : Array.isArray(body.alerts) ? body.alerts.length : 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', alerts }));
  });
}).listen(port, '127.0.0.1', () => console.log('listening'));
