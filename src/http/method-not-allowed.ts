// Which methods each route path takes, so that a known path with the wrong method gets a 405 with
// an Allow header instead of a 404.
export class RouteTable {
  private readonly routes: Array<{ pattern: RegExp; method: string }> = [];

  add(url: string, methods: string | string[]): void {
    const pattern = new RegExp(`^${url.replace(/:[^/]+/g, '[^/]+')}$`);
    for (const method of [methods].flat()) this.routes.push({ pattern, method });
  }

  methodsFor(path: string): string[] {
    return [...new Set(this.routes.filter((route) => route.pattern.test(path)).map((route) => route.method))];
  }
}
