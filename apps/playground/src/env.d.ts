// Vite's asset imports: `import url from './file.wasm?url'` gives the URL of the file emitted in the build.
declare module '*?url' {
  const url: string;
  export default url;
}

// Vite's raw imports: `import text from './corpus.txt?raw'` gives the file's text, bundled into the importing chunk.
declare module '*?raw' {
  const text: string;
  export default text;
}

// Stylesheets: `import './forecast.css'` bundles a page's CSS with that page's lazy chunk.
declare module '*.css';
