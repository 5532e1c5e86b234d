#!/usr/bin/env node
import { SERVER_NODE_FLAGS } from './node-flags.js';
import { run } from './run.js';

run('src/main.ts', SERVER_NODE_FLAGS);
