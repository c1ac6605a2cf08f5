// Babel packages without published type declarations.
declare module "@babel/preset-typescript" {
  const preset: unknown;
  export default preset;
}
declare module "@babel/plugin-transform-regenerator" {
  const plugin: unknown;
  export default plugin;
}
declare module "@babel/plugin-transform-explicit-resource-management" {
  const plugin: unknown;
  export default plugin;
}
declare module "@babel/plugin-proposal-decorators" {
  const plugin: unknown;
  export default plugin;
}
declare module "@babel/plugin-transform-react-jsx" {
  const plugin: unknown;
  export default plugin;
}
