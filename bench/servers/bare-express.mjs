// Bare express 5 with its JSON parser: the bound on what an express service can reach here.
import express from 'express';

const port = Number(process.argv[2]);
const app = express();
app.post('/alert', express.json({ limit: '5mb' }), (req, res) => {
  const body = req.body;
  res.json({ status: 'success', alerts: Array.isArray(body) ? body.length : Array.isArray(body.alerts) ? body.alerts.length : 1 });
});
app.listen(port, '127.0.0.1', () => console.log('listening'));
