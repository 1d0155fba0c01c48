import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * Machines differ about 2× in speed, so a test must pass in half of its timeout: this reporter
 * lists every test that took longer (its share of the timeout, slowest first) and, with
 * VELD_TEST_BUDGET=strict, fails the run.
 */
export default class BudgetReporter implements Reporter {
  private over: { name: string; share: number; seconds: number; timeout: number }[] = [];

  onTestEnd(test: TestCase, result: TestResult) {
    if (result.status !== 'passed' || test.timeout <= 0) return;
    const share = result.duration / test.timeout;
    if (share > 0.5) {
      const project = test.parent.project()?.name ?? '';
      this.over.push({ name: `[${project}] ${test.title}`, share, seconds: result.duration / 1000, timeout: test.timeout / 1000 });
    }
  }

  onEnd(_result: FullResult): { status?: FullResult['status'] } | undefined {
    if (this.over.length === 0) {
      console.log('Time budget: every test passed within half of its timeout.');
      return undefined;
    }
    this.over.sort((a, b) => b.share - a.share);
    console.log(`Time budget: ${this.over.length} test(s) took more than half of their timeout:`);
    for (const o of this.over) console.log(`  ${Math.round(o.share * 100)} % (${o.seconds.toFixed(1)} s of ${o.timeout} s) ${o.name}`);
    return process.env.VELD_TEST_BUDGET === 'strict' ? { status: 'failed' } : undefined;
  }
}
