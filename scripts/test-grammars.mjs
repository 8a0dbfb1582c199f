// Layer: TextMate grammars (syntaxes/*.tmLanguage.json). Tokenizes typical lines of each trace
// format with the same engine VS Code uses (vscode-textmate + the oniguruma wasm, taken from the
// code-server install, so no extra dependency) and checks the scopes given to key pieces.
// Prints `[grammars] N passed, N failed`.
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CODE_SERVER } from '../test/e2e/harness.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
// .../node_modules/.bin/code-server → .../node_modules/code-server/lib/vscode/node_modules
const vscodeModules = path.join(path.dirname(CODE_SERVER), '..', 'code-server/lib/vscode/node_modules');
if (!existsSync(path.join(vscodeModules, 'vscode-textmate'))) {
  console.error(`[grammars] vscode-textmate not found under ${vscodeModules}: install code-server with  bash scripts/setup`);
  console.log('[grammars] 0 passed, 1 failed (could not run)');
  process.exit(1);
}
const require = createRequire(path.join(vscodeModules, 'x.js'));
const vsctm = require('vscode-textmate');
const onig = require('vscode-oniguruma');
await onig.loadWASM(readFileSync(path.join(vscodeModules, 'vscode-oniguruma/release/onig.wasm')).buffer);

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const grammarFiles = Object.fromEntries(pkg.contributes.grammars.map(g => [g.scopeName, path.join(ROOT, g.path)]));
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({ createOnigScanner: p => new onig.OnigScanner(p), createOnigString: s => new onig.OnigString(s) }),
  loadGrammar: async scope => grammarFiles[scope]
    ? vsctm.parseRawGrammar(readFileSync(grammarFiles[scope], 'utf8'), grammarFiles[scope]) : null,
});

/** [scopeName, line, [[piece, scope fragment], ...]]: every token overlapping `piece` must carry the fragment. */
const CASES = [
  ['source.p2mtrace', '# hello: a comment p2m_set_entry', [['# hello: a comment p2m_set_entry', 'comment.line.number-sign']]],
  ['source.p2mtrace', 'config ipa_bits=40 pool_pages=unlimited', [['config', 'keyword.other.directive'], ['ipa_bits', 'variable.parameter'],
    ['40', 'constant.numeric.decimal'], ['unlimited', 'constant.language']]],
  ['source.p2mtrace', 'p2m_set_entry gfn=0x40000 nr=0x200 mfn=invalid t=ram_rw a=rwx', [['p2m_set_entry', 'entity.name.function.operation'],
    ['0x40000', 'constant.numeric.hex'], ['invalid', 'constant.language'], ['ram_rw', 'support.type.p2m-type'], ['rwx', 'support.constant.access']]],
  ['source.p2mtrace', '(XEN) [  12.345678] write_pte table=0x80001 index=3 old=0x0 new=0x40000f0000007ff', [
    ['(XEN) [  12.345678] ', 'comment.other.console-prefix'], ['write_pte', 'entity.name.function.operation'], ['0x40000f0000007ff', 'constant.numeric.hex']]],
  ['source.p2mtrace', 'begin', [['begin', 'keyword.control']]],
  ['text.log.xen-console', '(XEN) p2m mappings for domain 1 (vmid 1):', [['(XEN)', 'keyword.other.prefix.hypervisor'],
    ['p2m mappings for domain', 'markup.heading'], ['vmid', 'variable.parameter']]],
  ['text.log.xen-console', '(XEN)   2M mappings: 17 (shattered 3)', [['2M', 'support.type.mapping-size'], ['17', 'constant.numeric.decimal'],
    ['shattered', 'keyword.other'], ['3', 'constant.numeric.decimal']]],
  ['text.log.xen-console', '(d1) guest says hello', [['(d1)', 'entity.name.tag.prefix.domain']]],
  ['text.log.xen-console', '(XEN) 2ND[0x001] = 0x00000000400007fd', [['2ND', 'support.type.level'], ['0x00000000400007fd', 'constant.numeric.hex.descriptor']]],
  ['text.log.xen-console', '(XEN) [2026-01-01 10:00:00.123] Xen BUG at p2m.c', [['[2026-01-01 10:00:00.123]', 'comment.other.timestamp'], ['BUG', 'log.error']]],
  ['text.log.xenalyze', '   0.000001141 x. d32768v0 set_p2m_entry d1 o9 t 1 g b3aa800 m d0adc00', [['0.000001141', 'comment.other.time'],
    ['d32768v0', 'variable.other.vcpu'], ['set_p2m_entry', 'entity.name.function.event.set-p2m'], ['b3aa800', 'constant.numeric.hex.gfn'],
    ['d0adc00', 'constant.numeric.hex.mfn']]],
  ['text.log.xenalyze', '                x. d32768v0 set_p2m_entry d1 o0 t 1 g 40000 m ffffffffffffffff', [['ffffffffffffffff', 'constant.language.invalid-mfn']]],
  ['text.log.xenalyze', ']  0.000002000 x. d1v0  10f004(010:f:004) 2 [ 1 2 ]', [[']', 'punctuation.definition.unknown-event']]],
  ['text.log.xenalyze', 'scan_for_new_pcpu: Activating pcpu 1 at offset 0', [['scan_for_new_pcpu', 'comment.line.info']]],
];

let passed = 0, failed = 0;
for (const [scope, line, expects] of CASES) {
  const grammar = await registry.loadGrammar(scope);
  const problems = [];
  if (!grammar) problems.push(`grammar ${scope} did not load`);
  else {
    const { tokens } = grammar.tokenizeLine(line, vsctm.INITIAL);
    for (const [piece, frag] of expects) {
      const at = line.indexOf(piece);
      if (at < 0) { problems.push(`test bug: '${piece}' not in line`); continue; }
      const over = tokens.filter(t => t.startIndex < at + piece.length && t.endIndex > at);
      const bad = over.filter(t => !t.scopes.some(s => s.includes(frag)));
      if (over.length === 0 || bad.length) {
        problems.push(`'${piece}' wants ${frag}; got ${bad.map(t => `'${line.slice(t.startIndex, t.endIndex)}' → ${t.scopes.slice(1).join(' ') || '(root only)'}`).join('; ')}`);
      }
    }
  }
  const title = `${scope}: ${line.trim().slice(0, 60)}`;
  if (problems.length) { failed++; console.log(`  ✘ ${title}\n      ${problems.join('\n      ')}`); }
  else { passed++; console.log(`  ✔ ${title}`); }
}
console.log(`[grammars] ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
