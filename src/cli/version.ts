// The version `spool --version` prints and the CLI sends in its User-Agent.
export const spoolVersion = '0.1.0';
