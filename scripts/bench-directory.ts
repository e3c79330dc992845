// The benchmark's users: a school directory with real first and last names
// from many languages (accents included, so that "jose" must find "José"),
// drawn with Zipf-like frequencies as real names are: a few names are very
// common ("Maria", "Smith"), most are rare. Each user's name depends only on
// their index (an integer hash, no floating-point state to lose precision),
// so any slice of a million users can be generated alone and again alike.
//
// Distribution: 167 first names × 179 last names, each list ranked by
// how common the name is and drawn with weight 1 / √rank (the most common
// first name, "Maria", is about 4 % of users, as the most common names are in
// large countries); addresses are first.last.<index in base 36>@<one of 12
// school domains, also by rank>. At 100k users: about 26k distinct full
// names, the most common ("Maria Smith") 0.13 % of users, "mar" in about 10 %
// of names, and thousands of names held by one person only.

const FIRST_NAMES = `Maria Mohammed José Anna Li Wei Fatima Juan Olga Ahmed Sofia Luca Emma Noah Aisha Carlos Elena Ivan
Mia Lucas Chloé Liam Amir Yuki Hana Omar Sara Mateo Zoë Lea Ali Nina Leon Ava Hugo Ines Diego Maya Ana Pedro Léa Kenji Priya
Arjun Rahul Ewa Piotr Jan Eva Tomás Lena Ibrahim Chen Mei Raúl Björn Søren Ingrid Astrid Zainab Kwame Ama Kofi Thabo Lerato
Sipho Nomvula Emeka Chidi Ngozi Tunde Yusuf Mustafa Leyla Elif Emre Ayşe Mehmet Nikolai Dmitri Svetlana Katarzyna Agnieszka
Łukasz Jakub Tereza Petra Dorota Bogdan Mihai Ioana Andrei Élodie Anaïs Noé Benoît Amélie Gaël Jürgen Jörg Käthe Uwe Heike
Marisol Pilar Nerea Íñigo Aitana Joaquín Valentina Martina Camila Santiago Matías Thiago Gabriel Rafael Beatriz João Gonçalo
Aoife Siobhán Niamh Ciarán Seán Oisín Eilidh Rhys Dafydd Cerys Freya Oscar Isla Archie Harriet Theo Ruby Jasper Felix Clara
Ada Grace Alan Tess Olusegun Folake Nkechi Abebe Tigist Hiroshi Sakura Minh Thảo Linh Huy Jia Hao Yan Xin Min-jun Seo-yeon
Ji-woo Aarav Diya Ishaan Ananya Vikram`.split(/\s+/);

const LAST_NAMES = `Smith García Wang Müller Nguyễn Kumar Silva Rossi Kowalski Ivanova Martin Hernández Kim Johnson Li Singh
Santos Bianchi Nowak Petrov Bernard Lopez Park Brown Zhang Patel Oliveira Romano Wiśniewska Smirnova Dubois Martínez Lee
Jones Chen Sharma Pereira Colombo Wójcik Sokolov Thomas González Choi Williams Liu Gupta Costa Ricci Kamińska Popov Robert
Rodríguez Jung Taylor Yang Reddy Ferreira Marino Lewandowski Lebedev Richard Pérez Kang Davies Huang Iyer Almeida Greco
Zieliński Kozlov Petit Sánchez Cho Evans Zhao Nair Carvalho Bruno Szymańska Novák Durand Ramírez Yoon Wilson Wu Rao Gomes
Gallo Woźniak Svoboda Leroy Torres Jang Roberts Zhou Menon Ribeiro Conti Dąbrowski Dvořák Moreau Flores Lim Walker Xu Mehta
Rocha Esposito Kozłowska Černý Laurent Rivera Han Wright Sun Joshi Alves Ricci Jankowski Procházka Simon Gómez Oh Thompson
Ma Pillai Lima Fontana Mazur Kučera Michel Díaz Seo Müller-Lüdenscheidt Zhu Chatterjee Araújo Caruso Krawczyk Horváth
Lefebvre Morales Shin White Hu Das Barbosa Mancini Kaczmarek Nagy Okafor Mensah Adeyemi Boateng Nkosi Dlamini Mbeki Haile
Tesfaye Abdi Yılmaz Kaya Demir Şahin Çelik Öztürk Aydın Hansen Johansson Nielsen Larsen Andersson Virtanen Korhonen
Ó_Briain Mac_Giolla_Bhríde O'Connor MacLeod Fitzgerald`
  .split(/\s+/)
  .map((name) => name.replace(/_/g, " "));

const DOMAINS = `school.example northside.example lakeview-academy.example st-marys.example riverside.example
hillcrest.example college.example greenfield.example east-high.example learn.example westbrook.example bayside.example`.split(/\s+/);

/** One 32-bit unsigned integer per (index, stream), well mixed (splitmix32). */
function mix(index: number, stream: number): number {
  let z = (index * 0x9e3779b9 + stream * 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97) >>> 0;
  return (z ^ (z >>> 15)) >>> 0;
}

/** Picks from a ranked list with weight 1 / √rank. */
function zipfPicker<T>(items: readonly T[]): (u32: number) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= items.length; rank++) {
    total += 1 / Math.sqrt(rank);
    cumulative.push(total);
  }
  return (u32) => {
    const target = (u32 / 2 ** 32) * total;
    let lo = 0;
    let hi = items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! <= target) lo = mid + 1;
      else hi = mid;
    }
    return items[lo]!;
  };
}

const firstName = zipfPicker(FIRST_NAMES);
const lastName = zipfPicker(LAST_NAMES);
const domain = zipfPicker(DOMAINS);

/** Lower-case ASCII for an address: accents dropped, spaces and apostrophes removed. */
function addressPart(name: string): string {
  return name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/ł/g, "l")
    .replace(/ı/g, "i")
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "");
}

export type DirectoryUser = { name: string; email: string };

/** The directory's user number `index` (0-based): the same index gives the same person. */
export function directoryUser(index: number): DirectoryUser {
  const first = firstName(mix(index, 1));
  const last = lastName(mix(index, 2));
  return {
    name: `${first} ${last}`,
    email: `${addressPart(first)}.${addressPart(last)}.${index.toString(36)}@${domain(mix(index, 3))}`,
  };
}
