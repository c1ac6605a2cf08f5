// commander, loaded as the CommonJS package it is: Node 20 importing it as an ES module first
// lexes it for its exports and wraps it, which costs a `spickle` start several milliseconds.

import { createRequire } from "node:module";
import type * as Commander from "commander";

const commander = createRequire(import.meta.url)("commander") as typeof Commander;

export const Command = commander.Command;
export type Command = Commander.Command;
export const CommanderError = commander.CommanderError;
export type CommanderError = Commander.CommanderError;
export const InvalidArgumentError = commander.InvalidArgumentError;
export const Option = commander.Option;
export type Option = Commander.Option;
