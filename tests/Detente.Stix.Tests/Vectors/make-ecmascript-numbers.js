// Regenerates EcmaScriptNumbers.txt: "<IEEE 754 bits as hex> <Number.prototype.toString()>" per line.
// ECMAScript's own formatting is the oracle for RFC 8785 §3.2.2.3. Run: node make-ecmascript-numbers.js > EcmaScriptNumbers.txt
let state = 0x9e3779b97f4a7c15n; // fixed seed: the file is reproducible
const next = () => { state = (state * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn; return state; };
const buf = Buffer.alloc(8);
const lines = [];
const emit = (d) => { buf.writeDoubleBE(d); lines.push(buf.toString('hex') + ' ' + d.toString()); };
for (let i = 0; i < 3000; i++) { // random bit patterns (finite only)
  buf.writeBigUInt64BE(next()); const d = buf.readDoubleBE(0); if (Number.isFinite(d)) emit(d);
}
for (let e = -330; e <= 310; e++) { for (const d of [Number("1e" + e), Number("1.5e" + e), -Number("7.0000001e" + e)]) if (Number.isFinite(d)) emit(d); }
for (let i = 0; i < 1000; i++) { emit(Number(next() % 100000000000000000000n) / 1000); emit(Number(next() >> 11n)); }
console.log(lines.join('\n'));
