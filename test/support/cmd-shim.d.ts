// npm's shim writer (the cmd-shim package has no types): writes TO.cmd, TO.ps1 and the sh shim TO for FROM.
declare module 'cmd-shim' {
  function cmdShim(from: string, to: string): Promise<void>;
  export default cmdShim;
}
