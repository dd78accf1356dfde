// SPDX-License-Identifier: MIT
// tests/harness/fcgi.mjs: one FastCGI request straight to the app's socket,
// bypassing nginx, for tests that need parameters nginx would never send
// from this machine (a REMOTE_ADDR that is not loopback, say).
//
//   const res = await fcgiRequest(path.join(s.dir, 'run', 'fcgi.sock'),
//     { REQUEST_METHOD: 'GET', DOCUMENT_URI: '/metrics', REMOTE_ADDR: '192.0.2.7' });
//   // {status, headers: {name: value}, body}
import net from 'node:net';

const VERSION = 1;
const BEGIN_REQUEST = 1;
const END_REQUEST = 3;
const PARAMS = 4;
const STDIN = 5;
const STDOUT = 6;
const RESPONDER = 1;

function record(type, content = Buffer.alloc(0)) {
  const head = Buffer.alloc(8);
  head.writeUInt8(VERSION, 0);
  head.writeUInt8(type, 1);
  head.writeUInt16BE(1, 2); // request id
  head.writeUInt16BE(content.length, 4);
  return Buffer.concat([head, content]);
}

function length(n) {
  if (n < 128) return Buffer.from([n]);
  const b = Buffer.alloc(4);
  b.writeUInt32BE((n | 0x80000000) >>> 0);
  return b;
}

function pairs(params) {
  return Buffer.concat(Object.entries(params).flatMap(([k, v]) => {
    const name = Buffer.from(k);
    const value = Buffer.from(String(v));
    return [length(name.length), length(value.length), name, value];
  }));
}

/** Sends one request (no body) and resolves to {status, headers, body}. */
export function fcgiRequest(socketPath, params, { timeoutMs = 10000 } = {}) {
  const all = { REQUEST_URI: params.DOCUMENT_URI, QUERY_STRING: '', SERVER_PROTOCOL: 'HTTP/1.1', ...params };
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath);
    const chunks = [];
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`FastCGI: no answer within ${timeoutMs} ms`)); }, timeoutMs);
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.on('data', (d) => {
      data = Buffer.concat([data, d]);
      while (data.length >= 8) {
        const type = data.readUInt8(1);
        const len = data.readUInt16BE(4);
        const pad = data.readUInt8(6);
        if (data.length < 8 + len + pad) break;
        const content = data.subarray(8, 8 + len);
        data = data.subarray(8 + len + pad);
        if (type === STDOUT) chunks.push(content);
        if (type === END_REQUEST) {
          clearTimeout(timer);
          sock.end();
          const text = Buffer.concat(chunks).toString('utf8');
          const split = text.indexOf('\r\n\r\n');
          const headers = {};
          for (const line of text.slice(0, split).split('\r\n')) {
            const i = line.indexOf(':');
            if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
          }
          resolve({ status: Number((headers.status || '200').split(' ')[0]), headers, body: text.slice(split + 4) });
        }
      }
    });
    const begin = Buffer.alloc(8);
    begin.writeUInt16BE(RESPONDER, 0);
    sock.write(Buffer.concat([record(BEGIN_REQUEST, begin), record(PARAMS, pairs(all)), record(PARAMS), record(STDIN)]));
  });
}
