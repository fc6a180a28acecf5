#!/usr/bin/env node
import { join } from 'node:path';
import { supervise } from './supervise';

// The command runs in a worker this process can kill (see supervise.ts). This file loads
// nothing else, so the supervisor starts fast.
supervise(join(__dirname, 'worker.js'));
