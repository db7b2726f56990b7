"use strict";
// jsii's kernel (program.js) run in the process jsii starts, on the pipes jsii holds: the kernel
// reads and writes its API channel on fd 3, which here means stdin and stdout. What the kernel's
// code prints goes to stderr as the JSON lines jsii's stderr reader decodes, as jsii's own relay
// does, so nothing it prints can enter the API channel. See hipaa_platform/jsii_runtime.py.
const fs = require("fs");

const API_CHANNEL = 3;
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const readSync = fs.readSync;
const writeSync = fs.writeSync;

function printed(stream, data) {
  writeSync.call(fs, STDERR, `${JSON.stringify({ [stream]: data.toString("base64") })}\n`);
}

function bytesOf(buffer, offsetOrPosition, lengthOrEncoding) {
  if (typeof buffer === "string") {
    return Buffer.from(buffer, typeof lengthOrEncoding === "string" ? lengthOrEncoding : "utf8");
  }
  const start = typeof offsetOrPosition === "number" ? offsetOrPosition : 0;
  const end = typeof lengthOrEncoding === "number" ? start + lengthOrEncoding : undefined;
  return Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength).subarray(start, end);
}

fs.readSync = function (fd, ...rest) {
  return readSync.call(fs, fd === API_CHANNEL ? STDIN : fd, ...rest);
};
fs.writeSync = function (fd, buffer, ...rest) {
  if (fd === STDOUT || fd === STDERR) {
    const data = bytesOf(buffer, ...rest);
    printed(fd === STDOUT ? "stdout" : "stderr", data);
    return data.length;
  }
  return writeSync.call(fs, fd === API_CHANNEL ? STDOUT : fd, buffer, ...rest);
};

function printedStream(stream) {
  return function (chunk, encoding, callback) {
    printed(stream, Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, typeof encoding === "string" ? encoding : "utf8"));
    const done = typeof encoding === "function" ? encoding : callback;
    if (done) process.nextTick(done);
    return true;
  };
}
process.stdout.write = printedStream("stdout");
process.stderr.write = printedStream("stderr");

require(process.env.HIPAA_PLATFORM_JSII_KERNEL);
