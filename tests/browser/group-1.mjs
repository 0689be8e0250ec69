// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// make test runs the browser test files in two processes, each sharing one Chromium among
// its files (harness.mjs); the groups are balanced by the CPU time their files take. Each
// *.test.mjs file still runs alone as well: node --test tests/browser/page.test.mjs.
import './answer.test.mjs';
import './timeline.test.mjs';
import './embed-offline.test.mjs';
