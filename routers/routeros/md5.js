/* hexMD5(s): MD5 (RFC 1321) of a string whose characters are bytes, lowercase hex. */
function hexMD5(s) {
  function add(x, y) {
    var l = (x & 0xFFFF) + (y & 0xFFFF);
    return (((x >> 16) + (y >> 16) + (l >> 16)) << 16) | (l & 0xFFFF);
  }
  function rol(n, c) { return (n << c) | (n >>> (32 - c)); }
  var K = [], S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21], i, j;
  for (i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296) | 0;
  var n = s.length, total = (((n + 8) >> 6) + 1) * 16, w = [];
  for (i = 0; i < total; i++) w[i] = 0;
  for (i = 0; i < n; i++) w[i >> 2] |= (s.charCodeAt(i) & 0xFF) << ((i % 4) * 8);
  w[n >> 2] |= 0x80 << ((n % 4) * 8);
  w[total - 2] = n * 8;
  var a = 1732584193, b = -271733879, c = -1732584194, d = 271733878;
  for (i = 0; i < total; i += 16) {
    var A = a, B = b, C = c, D = d;
    for (j = 0; j < 64; j++) {
      var r = j >> 4, f, g;
      if (r === 0) { f = (B & C) | (~B & D); g = j; }
      else if (r === 1) { f = (B & D) | (C & ~D); g = (5 * j + 1) % 16; }
      else if (r === 2) { f = B ^ C ^ D; g = (3 * j + 5) % 16; }
      else { f = C ^ (B | ~D); g = (7 * j) % 16; }
      var t = D; D = C; C = B;
      B = add(B, rol(add(add(A, f), add(K[j], w[i + g])), S[(r << 2) | (j & 3)]));
      A = t;
    }
    a = add(a, A); b = add(b, B); c = add(c, C); d = add(d, D);
  }
  var hex = "", words = [a, b, c, d];
  for (i = 0; i < 4; i++)
    for (j = 0; j < 4; j++)
      hex += ("0" + ((words[i] >> (j * 8)) & 0xFF).toString(16)).slice(-2);
  return hex;
}
