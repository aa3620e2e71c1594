// The token theme artifacts are plain modules whose default export is CSS.
declare module '@atlaskit/tokens/dist/esm/artifacts/themes/*.js' {
  const css: string;
  export default css;
}
