/** The socket worker's bundled code (see build/worker-source.ts). */
declare module 'rawsock:worker-source' {
  const source: string;
  export default source;
}
