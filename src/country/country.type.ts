import { Field, ID, ObjectType } from 'type-graphql';
import { Node } from '../node/node.type';

@ObjectType({
  simpleResolvers: true,
  // Its `id` (Node) is derived from the code, by CountryResolver.id.
  implements: Node,
  description: 'An ISO 3166-1 country or territory. Its policies, statements and events hang off it.',
})
export class Country {
  @Field(() => ID, { description: 'ISO 3166-1 alpha-2 code, e.g. "FI".' }) code!: string;
  @Field({ description: 'ISO 3166-1 alpha-3 code, e.g. "FIN".' }) alpha3!: string;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 numeric code.' }) numeric!: string | null;
  @Field() name!: string;
  @Field(() => String, { nullable: true, description: 'UN M49 region, e.g. "Europe".' }) region!: string | null;
  @Field(() => String, { nullable: true, description: 'UN M49 sub-region, e.g. "Northern Europe".' })
  subregion!: string | null;
  @Field({ description: 'Member of the European Union.' }) isEu!: boolean;
  @Field({ description: 'Part of the Schengen area.' }) isSchengen!: boolean;
}
