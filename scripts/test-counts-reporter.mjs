// A node:test reporter that writes only the run's closing counts (tests, pass, fail, skipped...) as
// one JSON object, so scripts/run-tests.mjs can add up its two passes.
export default async function* countsReporter(source) {
  const counts = {};
  for await (const event of source) {
    if (event.type !== 'test:diagnostic' || event.data.nesting !== 0) continue;
    const match = /^(\w+) ([\d.]+)$/.exec(event.data.message);
    if (match) counts[match[1]] = Number(match[2]);
  }
  yield `${JSON.stringify(counts)}\n`;
}
