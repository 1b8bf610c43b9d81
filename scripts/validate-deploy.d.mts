// Types of scripts/validate-deploy.mjs, for the tests that import it.

/** A Kubernetes object as parsed from YAML. */
export type KubeObject = Record<string, any>;

/** One check: passed when it has no problems. */
export interface CheckResult {
  check: string;
  problems: string[];
}

export const ROOT: string;
export const CHART_DIR: string;

export function describeObject(obj: KubeObject): string;
export function parseManifests(text: string, source?: string): KubeObject[];
export function schemaProblems(obj: KubeObject): string[];
export function unknownFieldProblems(objects: KubeObject[]): string[][];
export function checkWorkload(obj: KubeObject): string[];
export function checkReferences(objects: KubeObject[], external?: string[]): string[];
export function checkScaleRbac(objects: KubeObject[], namespaces?: string[]): string[];
export function checkAlertpipe(objects: KubeObject[]): string[];
export function validateManifests(
  objects: KubeObject[],
  options?: { source?: string; external?: string[]; scaleNamespaces?: string[] },
): CheckResult[];
export function checkDockerfile(dockerfile: string, dockerignore: string, root?: string): string[];
export function readZipEntry(zipPath: string, entryName: string): Buffer;
export function extractHelm(dir: string): string;
export function runHelm(helm: string, args: string[], home: string): { code: number | null; stdout: string; stderr: string };
export function chartCases(chartDir?: string): { name: string; valuesFile: string | undefined; values: Record<string, any> }[];
export function checkNotes(notes: string, expected: { url: string; auth: boolean }): string[];
export function validateChart(options?: { chartDir?: string }): CheckResult[];
export function checkRenderedOptions(objects: KubeObject[], values: Record<string, any>): string[];
export function exampleRuleGroups(root?: string): Record<string, any>[];
export function validateExampleValues(root?: string): CheckResult[];
export function runAll(options?: { root?: string }): CheckResult[];
