export interface BuildResult {
  markdown: string;
}
export async function runBuildBench(o: { sizes: number[]; log: (l: string) => void }): Promise<BuildResult> {
  o.log("not yet");
  return { markdown: "" };
}
