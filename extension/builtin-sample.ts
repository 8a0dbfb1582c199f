// A tiny .p2mtrace used by `p2m.openSample` when the workspace has no trace files, so the
// command always shows something (the .vsix carries no samples/ folder). Same content as
// samples/hello.p2mtrace: map 1 GiB of guest RAM at IPA 1 GiB.
export const BUILTIN_SAMPLE_NAME = 'hello.p2mtrace';
export const BUILTIN_SAMPLE = `# hello.p2mtrace: one p2m_set_entry call mapping 1 GiB of RAM at guest-physical 1 GiB.
config ipa_bits=40
p2m_set_entry gfn=0x40000 nr=0x40000 mfn=0x100000 t=ram_rw a=rwx
`;
