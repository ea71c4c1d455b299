/**
 * Defines a custom element unless the tag is taken: a page that loads the define
 * module twice (two bundles, a CDN copy and an npm copy) keeps working.
 */
export function defineOnce(tag: string, element: CustomElementConstructor, registry: CustomElementRegistry): void {
  if (!registry.get(tag)) registry.define(tag, element);
}
