// `npm run manifest` (root or this package; `npm run build` runs it too) regenerates
// custom-elements.json for editors, docs and framework tooling. Never edit the manifest
// by hand: test/manifest.test.ts fails when the committed one is stale.
//
// Every source is analysed (the elements inherit most of their API from
// PresenceElement, so it must be seen), then `publicApiOnly` keeps what a page author
// uses: the three elements and their public members, attributes, events, slots, parts
// and CSS properties.
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.styles.ts'],
  outdir: '.',
  litelement: true,
  // package.json already names the manifest; a run with `--outdir` must not rewrite it.
  packagejson: false,
  plugins: [publicApiOnly()],
};

/** Drops everything that is not a custom element's public API, and points modules at the shipped JS. */
function publicApiOnly() {
  const isPublic = (member) =>
    member.privacy !== 'private' && member.privacy !== 'protected' && !member.name.startsWith('#');
  const shipped = (path) => path.replace(/^\/?src\//, 'dist/').replace(/\.ts$/, '.js');
  return {
    name: 'presence-kit-public-api-only',
    packageLinkPhase({ customElementsManifest }) {
      const modules = [];
      for (const module of customElementsManifest.modules) {
        const elements = (module.declarations ?? []).filter((d) => d.customElement && d.tagName);
        if (elements.length === 0) continue;
        const names = new Set(elements.map((d) => d.name));
        for (const element of elements) {
          if (element.members) element.members = element.members.filter(isPublic);
          // `dispatchEvent(new PresenceChangeEvent(…))` names no event the analyzer can read; the
          // element's `@event` tag is the real entry, so the nameless one it infers is dropped.
          if (element.events) element.events = element.events.filter((event) => event.name);
          if (element.superclass?.module) element.superclass.module = shipped(element.superclass.module);
          for (const member of element.members ?? []) {
            if (member.inheritedFrom?.module) member.inheritedFrom.module = shipped(member.inheritedFrom.module);
          }
          for (const list of [element.attributes, element.events]) {
            for (const item of list ?? []) {
              if (item.inheritedFrom?.module) item.inheritedFrom.module = shipped(item.inheritedFrom.module);
            }
          }
        }
        modules.push({
          ...module,
          path: shipped(module.path),
          declarations: elements,
          exports: (module.exports ?? [])
            .filter((e) => names.has(e.declaration?.name))
            .map((e) => ({ ...e, declaration: { ...e.declaration, module: shipped(e.declaration.module) } })),
        });
      }
      customElementsManifest.modules = modules;
    },
  };
}
