/**
 * A prompter with scripted answers by question id. Any question without a script fails the
 * test, so a test also proves which questions were (not) asked. (The test host's own prompter.)
 */
export { ScriptedPrompter as FakePrompter } from '../../src/ui/test-host.js';
