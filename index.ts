/**
 * The component package's entry point, where Pulumi's schema analyzer starts (it looks for the
 * TypeScript source of package.json's `main`, which is built output, then for `index.ts`). It
 * exports exactly what `main` (`dist/components/index.js`) exports at run time.
 */
export * from "./components";
