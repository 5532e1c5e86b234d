// Node's Buffer has latin1Slice/latin1Write (the fast paths behind toString('latin1') and
// write(s, 'latin1'), skipping the encoding dispatch); @types/node does not declare them.
// slotkv keeps keys as latin1 strings, so these sit on the hot path of every command.
declare global {
  interface Buffer {
    latin1Slice(start?: number, end?: number): string;
    latin1Write(text: string, offset?: number, length?: number): number;
  }
}
export {};
