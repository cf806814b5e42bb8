// The Pokedex: a grid of one page of GET /pokemons, with the name search,
// the type and generation filters and paging (X-Total-Count).

import { byId, onClick, onSubmit, valuesOf } from './dom.js';

export const PAGE_SIZE = 24;

const TYPES = [
  'Normal',
  'Fire',
  'Water',
  'Electric',
  'Grass',
  'Ice',
  'Fighting',
  'Poison',
  'Ground',
  'Flying',
  'Psychic',
  'Bug',
  'Rock',
  'Ghost',
  'Dragon',
  'Dark',
  'Steel',
  'Fairy',
];
const GENERATIONS = 9;

/** The query string of one page for the filters (empty ones left out). */
export function pageQuery({ name, type, generation }, offset) {
  const query = new URLSearchParams({
    limit: String(PAGE_SIZE),
    offset: String(offset),
  });
  if (name) query.set('name', name);
  if (type) query.set('type', type);
  if (generation) query.set('generation', generation);
  return query.toString();
}

/** `call(path)` is a guarded GET (see app.js: it refreshes once on 401). */
export function createPokedex(call) {
  const form = byId('filters');
  let filters = {};
  let offset = 0;
  let total = 0;

  for (const type of TYPES)
    form.elements.type.append(new Option(type, type.toLowerCase()));
  for (let n = 1; n <= GENERATIONS; n++) {
    form.elements.generation.append(new Option(`Generation ${n}`, String(n)));
  }

  const load = async () => {
    const answer = await call(`/pokemons?${pageQuery(filters, offset)}`);
    total = Number(answer.headers.get('X-Total-Count') ?? answer.body.length);
    render(answer.body);
  };

  const render = (pokemon) => {
    const list = byId('dex');
    list.replaceChildren(...pokemon.map(card));
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const page = Math.floor(offset / PAGE_SIZE) + 1;
    byId('dex-count').textContent =
      total === 0 ? 'No Pokemon match.' : `${total} Pokemon found.`;
    byId('page-info').textContent = `Page ${page} of ${pages}`;
    byId('previous').disabled = offset === 0;
    byId('next').disabled = offset + PAGE_SIZE >= total;
  };

  onSubmit(form, async (values) => {
    filters = values;
    offset = 0;
    await load();
  });
  for (const select of [form.elements.type, form.elements.generation]) {
    select.addEventListener('change', () => form.requestSubmit());
  }
  onClick(byId('previous'), async () => {
    offset = Math.max(0, offset - PAGE_SIZE);
    await load();
  });
  onClick(byId('next'), async () => {
    offset += PAGE_SIZE;
    await load();
  });

  return {
    /** First page with the filters as they stand in the form. */
    async reload() {
      filters = valuesOf(form);
      offset = 0;
      await load();
    },
    clear() {
      byId('dex').replaceChildren();
    },
  };
}

function card(pokemon) {
  const item = document.createElement('li');
  const sprite = document.createElement('img');
  sprite.src = `/sprites/${pokemon.id}.png`;
  sprite.alt = '';
  sprite.width = 68;
  sprite.height = 56;
  sprite.loading = 'lazy';
  const number = document.createElement('span');
  number.className = 'number';
  number.textContent = `#${String(pokemon.id).padStart(4, '0')}`;
  const name = document.createElement('h3');
  name.textContent = pokemon.name;
  const types = document.createElement('p');
  types.className = 'types';
  for (const type of pokemon.types) {
    const badge = document.createElement('span');
    badge.className = 'type';
    badge.textContent = type;
    types.append(badge);
  }
  const details = document.createElement('span');
  details.className = 'number';
  details.textContent = `Generation ${pokemon.generation} · ${pokemon.weightKg} kg`;
  item.append(sprite, number, name, types, details);
  return item;
}
