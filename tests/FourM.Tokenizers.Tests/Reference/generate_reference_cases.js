// Writes reference_fuzz_cases.json: random strings encoded and decoded by the reference library, in the layout of
// text_tokenizer_cases.json. Expected values for FourM.Tokenizers.Tests, regenerated only when the corpus changes:
//   npm install tokenizers@0.23.2   (Hugging Face tokenizers, Node binding of the Rust library)
//   node generate_reference_cases.js <text_tokenizer_4m_wordpiece_30k.json> reference_fuzz_cases.json
const { Tokenizer } = require('tokenizers');
const fs = require('fs');
const path = require('path');
const [, , tokenizerFile, outFile] = process.argv;
const tokenizer = Tokenizer.fromFile(tokenizerFile);

let state = 20261128;
const random = () => { state = (state * 1103515245 + 12345) & 0x7fffffff; return state / 0x7fffffff; };
const pick = (list) => list[Math.floor(random() * list.length)];

// Pieces aimed at the added-token rules, the normaliser and the decoder.
const pieces = ['[S_1]', '[S_2]', '[S_0]', '[S_199]', '[S_200]', '[s_1]', '[EOS]', '[PAD]', '[SOS]', '[UNK]', 'v0=12', 'v1=999',
  'v2=0', 'v3=1000', 'v0=', 'v0=-1', 'V0=5', 'v0=07', 'potted plant', 'Potted Plant', 'wine glass', 'car', 'CAR', 'cars',
  'hot dog', 'teddy bear', 'tv', 'a', 'the', 'photo', ' ', '  ', '\t', '\n', '.', ',', '!', '?', "'", '"', '-', '_', '=',
  'café', 'naïve', 'Ångström', 'straße', 'İstanbul', 'ﬁ', 'Ｈｅｌｌｏ', '我爱北京', '日本語', '한국어', 'русский', 'Ελληνικά',
  'עברית', 'العربية', '🙂', '🥰', '🫠', '\u200b', '\u00ad', '\ufeff', '\u0000', '\u0007', '\u3000', '\u00a0', '\u2028',
  '\u0085', '\u000b', 'e\u0301', 'a\u0308\u0323', '\u0345', 'ǅ', 'Ⓐ', 'x', '123', '3.14', "don't", "it's", 'do not',
  '\ue000', '\ufffd', '\u0890', '\u2e50', '\u{1f600}', '\u{20000}', '\u{2ebf0}', '㐀', '\u0f00', '\u1abf', 'Σ', 'ς', 'K', 'Å',
  '\u0130', '\u03d2\u0301', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'];

function codePoint() {
  const r = random();
  let c = r < 0.3 ? Math.floor(random() * 0x80) : r < 0.6 ? Math.floor(random() * 0x3000)
    : r < 0.85 ? Math.floor(random() * 0x10000) : Math.floor(random() * 0x110000);
  if (c >= 0xd800 && c < 0xe000) c = 0x41;
  return String.fromCodePoint(c);
}

const texts = [];
for (let i = 0; i < 800; i++) {
  let s = '';
  for (let j = 0, n = 1 + Math.floor(random() * 10); j < n; j++) s += pick(pieces) + (random() < 0.5 ? ' ' : '');
  texts.push(s);
}
for (let i = 0; i < 1200; i++) {
  let s = '';
  for (let j = 0, n = 1 + Math.floor(random() * 16); j < n; j++) s += codePoint();
  texts.push(s);
}

(async () => {
  const out = { tokenizer_file: path.basename(tokenizerFile), generator: 'huggingface tokenizers 0.23.2 (npm)', cases: [] };
  for (const text of texts) {
    const encoding = await tokenizer.encode(text);
    const ids = encoding.getIds();
    out.cases.push({ text, ids, tokens: encoding.getTokens(),
      decode: await tokenizer.decode(ids, false), decode_skip_special: await tokenizer.decode(ids, true) });
  }
  fs.writeFileSync(outFile, JSON.stringify(out));
})();
