// The BDD globals web-test-runner's mocha puts on the page, typed just enough for
// these tests (the repo has no @types/mocha, and vitest's are module exports).
type Done = (error?: unknown) => void;
/** `this.timeout(ms)` lets a test that needs real time (a window passing) run past the default. */
type TestBody = (this: { timeout(ms: number): void }, done: Done) => void | Promise<unknown>;

declare function describe(title: string, body: () => void): void;
declare function it(title: string, body: TestBody): void;
declare function before(body: TestBody): void;
declare function after(body: TestBody): void;
declare function beforeEach(body: TestBody): void;
declare function afterEach(body: TestBody): void;
