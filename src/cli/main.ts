#!/usr/bin/env node
console.log('fedbroker');
