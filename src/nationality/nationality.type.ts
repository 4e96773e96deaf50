import { Field, ID, ObjectType } from 'type-graphql';
import { Country } from '../country/country.type';
import { Policy } from '../policy/policy.type';

/**
 * Destinations a `destinations` list is assumed to hold, for the query-cost estimate: every
 * country of the catalog (ISO 3166-1 has 249 entries, plus Kosovo's user-assigned XK). A map
 * asks for all of them in one request, so the estimate must not be the 5 of an ordinary list.
 */
export const DESTINATIONS_PER_NATIONALITY = 250;

@ObjectType({ simpleResolvers: true, description: 'A passport: the rules every destination applies to its holders.' })
export class Nationality {
  @Field(() => ID) code!: string;
  @Field(() => Country) country!: Country;
}

@ObjectType({ simpleResolvers: true, description: "One destination's rules for one nationality on one day." })
export class Destination {
  @Field(() => Country) country!: Country;
  @Field(() => Policy, { nullable: true, description: 'The VISA version in force, if any.' }) visa!: Policy | null;
  @Field(() => [Policy], {
    description: 'Every version in force, one per category (an ENTRY restriction beyond the visa rule shows here).',
  })
  policies!: Policy[];
}
