// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// The other half of the browser test files, in a process of its own (see group-1.mjs).
import './page.test.mjs';
import './hostile.test.mjs';
import './hub.test.mjs';
