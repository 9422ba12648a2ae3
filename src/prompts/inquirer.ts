/**
 * The inquirer prompts the wizard shows, loaded on demand by the prompter. Importing them here
 * by name, not the package dynamically, lets the bundle leave out the ones it never shows.
 */
export { checkbox, confirm, input, select } from '@inquirer/prompts';
