const path = require('node:path');
const TestSequencer = require('@jest/test-sequencer').default;

const ATTACK_SUITE = `${path.sep}test${path.sep}attack${path.sep}`;

/**
 * Jest's order (failed first, then longest first), with the attack suite last: it loads both
 * cores for minutes, so run first it would slow every timing-sensitive test running next to it
 * (and be slowed by them). Last, it runs next to at most the other worker's final file.
 */
class AttackSuiteLast extends TestSequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    return [...sorted.filter((test) => !test.path.includes(ATTACK_SUITE)), ...sorted.filter((test) => test.path.includes(ATTACK_SUITE))];
  }
}

module.exports = AttackSuiteLast;
