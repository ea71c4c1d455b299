// `npm run manifest` (root or this package) regenerates custom-elements.json for
// editors, docs and framework tooling. Never edit the manifest by hand.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
};
