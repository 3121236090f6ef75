/** The arguments every load benchmark takes: how many requests, how many at once, and JSON output. */
export interface LoadArgs {
  requests: number;
  concurrency: number;
  json: boolean;
}

/** Parses `--requests N --concurrency N --json` over the bench's defaults. */
export function parseLoadArgs(argv: readonly string[], defaults: LoadArgs): LoadArgs {
  const args: LoadArgs = { ...defaults };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (flag === '--json') args.json = true;
    else if (flag === '--requests') args.requests = Number(argv[++i]);
    else if (flag === '--concurrency') args.concurrency = Number(argv[++i]);
    else throw new Error(`unknown argument ${flag}`);
  }
  if (!(args.requests > 0) || !(args.concurrency > 0)) throw new Error('--requests and --concurrency must be positive');
  return args;
}
