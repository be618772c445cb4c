// Vite's asset imports: `import url from './file.wasm?url'` gives the URL of the file emitted in the build.
declare module '*?url' {
  const url: string;
  export default url;
}
