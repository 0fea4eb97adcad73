import { Kind, parse, print, visit } from 'graphql';

/**
 * Points the supergraph's subgraphs at other URLs (the committed supergraph names the default ports; tests and
 * deployments run the subgraphs elsewhere). Subgraphs not in `urls` keep their URL.
 */
export function withSubgraphUrls(supergraphSdl: string, urls: Readonly<Record<string, string>>): string {
  const document = visit(parse(supergraphSdl), {
    EnumValueDefinition(node) {
      return {
        ...node,
        directives: node.directives?.map((directive) => {
          if (directive.name.value !== 'join__graph') return directive;
          const name = directive.arguments?.find((a) => a.name.value === 'name');
          const graph = name?.value.kind === Kind.STRING ? name.value.value : undefined;
          const url = graph === undefined ? undefined : urls[graph];
          if (url === undefined) return directive;
          return {
            ...directive,
            arguments: directive.arguments?.map((a) =>
              a.name.value === 'url' ? { ...a, value: { kind: Kind.STRING, value: url } } : a,
            ),
          };
        }),
      };
    },
  });
  return print(document);
}
