import type { MessageCatalog } from "./localize.js";
import { es } from "./strings-es.js";

/**
 * Spanish for the English messages the domain and API layers produce (field
 * reasons, problem details, refusals, plan checks), for the pages only: the
 * JSON API keeps the English. Keyed by the English text, gettext-style, so
 * the domain code stays as it is; `test/web/messages.test.ts` finds every
 * message literal in `src/` and fails on one this catalog does not match.
 *
 * Values inside a message (ids, quantities, names, API field names) are
 * carried over unchanged; only status words get the pages' own Spanish.
 */

// Status and kind words that English messages embed as they are stored.
const word = (table: Readonly<Record<string, string>>) => (v: string) => table[v] ?? v;
const haulStatus = word(es.haulStatus);
const exchangeStatus = word(es.exchangeStatus);
const item = word({ offer: "oferta", need: "necesidad" });
const memberStatus = word({ pending: "pendiente", active: "activo", left: "de baja" });
const followStatus = word({ pending: "pendiente", accepted: "aceptado", rejected: "rechazado" });
const party = word({ supplier: "La comunidad que suministra", receiver: "La comunidad que recibe" });
const answer = word({ accept: "aceptar", reject: "rechazar" });
const answered = word({ accept: "ha aceptado", reject: "ha rechazado" });
const ratification = word({ ratified: "ratificado", rejected: "rechazado", lapsed: "caducado" });
const listOf = (reasons: string, again: (s: string) => string) => reasons.split("; ").map(again).join("; ");

const exact: Record<string, string> = {
  // Problem titles: the page shows one when a problem carries no detail.
  "The request is not valid": "La petición no es válida",
  "Authentication is required": "Tienes que entrar primero",
  "Not allowed": "No permitido",
  "Not found": "No encontrado",
  "Conflicts with the current state": "Choca con el estado actual",
  "The request body is too large": "Lo enviado es demasiado grande",
  "Unsupported media type": "Tipo de contenido no admitido",
  "The request cannot be carried out": "La petición no se puede llevar a cabo",
  "Too many requests": "Demasiadas peticiones",
  "A remote server did not answer as expected": "Un servidor remoto no respondió como se esperaba",
  "The node cannot do this now": "El nodo no puede hacer esto ahora",
  "Internal server error": "Error interno del servidor",

  // Form fields, wherever they are checked
  "is required": "es obligatorio",
  "must be a number": "tiene que ser un número",
  "must be a whole number": "tiene que ser un número entero",
  "must be a date (YYYY-MM-DD)": "tiene que ser una fecha (AAAA-MM-DD)",
  "must be a date YYYY-MM-DD": "tiene que ser una fecha AAAA-MM-DD",
  'must be "HH:MM"': 'tiene que ser "HH:MM"',
  "must be a finite number": "tiene que ser un número finito",
  "must be a finite number ≥ 0": "tiene que ser un número finito ≥ 0",
  "must be greater than zero": "tiene que ser mayor que cero",
  "must be more than 0": "tiene que ser mayor que 0",
  "must not be negative": "no puede ser negativo",
  "must not be empty": "no puede estar vacío",
  "must be an ISO 8601 date-time": "tiene que ser una fecha y hora ISO 8601",
  "must be an ISO-8601 date-time with a zone, e.g. 2026-12-01T07:30:00Z":
    "tiene que ser una fecha y hora ISO-8601 con zona horaria, p. ej. 2026-12-01T07:30:00Z",
  "must be in the future": "tiene que estar en el futuro",
  "is in the past": "ya ha pasado",
  "is already in the past": "ya ha pasado",
  "is before from": "es anterior a from",
  "must differ from from": "tiene que ser distinto de from",
  "must be an http(s) URL": "tiene que ser una URL http(s)",
  "must be 1-64 lower-case letters, digits or -": "tiene que tener de 1 a 64 letras minúsculas, cifras o -",
  "must be 1-32 lower-case letters, digits or -, starting with a letter":
    "tiene que tener de 1 a 32 letras minúsculas, cifras o -, y empezar por una letra",
  "must be accept or reject": "tiene que ser accept o reject",
  "must be member, driver or admin": "tiene que ser member, driver o admin",
  "is not valid JSON": "no es JSON válido",
  "is not a known field": "no es un campo conocido",
  "is required with radiusKm": "es obligatorio con radiusKm",
  "quantity must be zero or more": "la cantidad tiene que ser cero o más",

  // Logging in, sessions and tokens
  "Log in first.": "Entra primero.",
  "Unknown handle or wrong password.": "Usuario desconocido o contraseña incorrecta.",
  "Too many failed logins; wait 15 minutes.": "Demasiados intentos fallidos; espera 15 minutos.",
  "Log in (POST /api/sessions) and send `Authorization: Bearer <session token>`.":
    "Entra (POST /api/sessions) y envía `Authorization: Bearer <clave de sesión>`.",
  "This needs a member's session, not the admin token.":
    "Esto necesita la sesión de un miembro, no la clave de administración.",
  "Your membership is not active yet (waiting for approval).":
    "Tu alta como miembro aún no está activa (pendiente de aprobación).",
  "Send the admin token as `Authorization: Bearer <token>`.":
    "Envía la clave de administración como `Authorization: Bearer <clave>`.",
  "The admin token is not valid (nor a coordinator's session).":
    "La clave de administración no es válida (ni es la sesión de un coordinador).",
  "Send the driver token as `Authorization: Bearer <token>`.":
    "Envía la clave de conductor como `Authorization: Bearer <clave>`.",
  "The driver token is not valid.": "La clave de conductor no es válida.",
  "A driver token is required.": "Hace falta una clave de conductor.",
  "Only the community's coordinators (or the bootstrap admin) see this page.":
    "Esta página solo la ven los coordinadores de la comunidad (o quien entre con la clave de administración).",
  "These pages are for the community's active members.": "Estas páginas son para los miembros activos de la comunidad.",
  "These pages are for drivers.": "Estas páginas son para conductores.",

  // Members, votes, policy
  "is already taken": "ya está en uso",
  "is unknown, used or expired": "no existe, ya se usó o ha caducado",
  "this community admits new members by invitation only": "esta comunidad solo admite miembros nuevos por invitación",
  "is not an active member": "no es un miembro activo",
  "is not a coordinator": "no es coordinador",
  "Only a coordinator elected by the members may do this.":
    "Solo puede hacerlo un coordinador elegido por los miembros.",
  'Policy changes are decided by vote: POST /api/votes with subject {kind: "policy", changes}.':
    'Los cambios de normas se deciden por votación: POST /api/votes con subject {kind: "policy", changes}.',
  "must change at least one policy value": "tiene que cambiar al menos un valor de las normas",
  "You have already voted; one member, one vote. Change your ballot with PUT while the window is open.":
    "Ya has votado: un miembro, un voto. Puedes cambiar tu voto con PUT mientras la votación siga abierta.",
  "You have not voted yet; cast your ballot with POST.": "Todavía no has votado; vota con POST.",
  "one member, one vote: you can only cast your own ballot": "un miembro, un voto: solo puedes emitir tu propio voto",
  "only active members who joined before the vote opened may vote":
    "solo pueden votar los miembros activos que se unieron antes de que se abriera la votación",
  "the voting window has closed": "la votación ya se ha cerrado",
  "the voting window has not opened yet": "la votación todavía no se ha abierto",

  // Shifts and vouchers
  "no such shift": "ese turno no existe",
  "you are already signed up for this shift": "ya estás apuntado a este turno",
  "You are not signed up for that shift.": es.notSignedUp,
  "vouchers are personal: you can only spend your own": "los vales son personales: solo puedes gastar los tuyos",
  "you have no vouchers for that cycle": "no tienes vales para ese ciclo",
  "vouchers expire at the end of their cycle and cannot be spent outside it":
    "los vales caducan al terminar su ciclo y no se pueden gastar fuera de él",
  "these vouchers were voided": "estos vales se anularon",
  "Vouchers cannot be transferred: they belong to one member for one cycle, and expire at its end.":
    "Los vales no se pueden transferir: son de un solo miembro para un solo ciclo, y caducan cuando este termina.",

  // The public ledger and its peers
  "the community does not publish a ledger head": "la comunidad no publica el estado actual de su registro",
  "prevHash does not match the previous entry's hash": "prevHash no coincide con el hash de la entrada anterior",
  "hash does not match the entry's content": "el hash no coincide con el contenido de la entrada",

  // Exchanges, ratification, planning rounds
  "only a coordinator may answer an exchange proposal":
    "solo un coordinador puede responder a una propuesta de intercambio",
  "the ratification vote is still open": "la votación de ratificación sigue abierta",
  "Only the supplier or the receiver of an exchange answers it.":
    "Solo responden a un intercambio la comunidad que suministra y la que recibe.",
  "more than is still free in the offer": "es más de lo que queda libre en la oferta",
  "Only a party to the exchange cancels it.": "Solo una de las partes del intercambio puede cancelarlo.",
  "Only the receiving community confirms receipt.": "Solo la comunidad que recibe confirma la recepción.",
  "Nothing has been delivered for this exchange yet.": "Todavía no se ha entregado nada de este intercambio.",
  "declined by the driver": "el conductor lo rechazó",
  "withdrawn by the driver": "el conductor lo devolvió",
  "the driver's departure was withdrawn": "se retiró la salida del conductor",
  "no known departure could carry it": "ninguna salida conocida podía llevarlo",
  "the departure its driver had accepted was withdrawn": "se retiró la salida que su conductor había aceptado",
  "its haul request was cancelled": "su solicitud de transporte se canceló",
  "the haul request's window passed without a driver": "el plazo de la solicitud de transporte pasó sin conductor",
  "every driver asked declined": "todos los conductores a los que se pidió lo rechazaron",
  "A planning round is already running on this node; wait for it to finish.":
    "Ya hay una ronda de planificación en marcha en este nodo; espera a que termine.",
  "--planner-time-limit or TENDRIL_PLANNER_TIME_LIMIT allows longer":
    "--planner-time-limit o TENDRIL_PLANNER_TIME_LIMIT permiten más tiempo",
  "planner stopped: a solve before this one ran past its time limit; try again":
    "planificador detenido: un cálculo anterior superó su límite de tiempo; vuelve a intentarlo",
  "the recomputed plan differs from the published one": "el plan recalculado no coincide con el publicado",
  "the published problem is not a valid planning problem":
    "el problema publicado no es un problema de planificación válido",
  "does not serve a round (problem, plan, digest, plannerVersion)":
    "no devuelve una ronda (problem, plan, digest, plannerVersion)",

  // Offers, needs, resource kinds, the network
  "No such offer or need": "Esa oferta o necesidad no existe",
  "No such community here": "Esa comunidad no está en este nodo",
  "No such activity": "Esa actividad no existe",
  "did not answer with a resource kind (slug, name, unit, kgPerUnit, category)":
    "no respondió con un tipo de recurso (slug, name, unit, kgPerUnit, category)",
  "the object belongs to another actor": "el objeto pertenece a otro actor",
  "the object has no id": "el objeto no tiene id",
  "the object has no attributedTo": "el objeto no tiene attributedTo",
  "publishes.resourceConformsTo is missing": "falta publishes.resourceConformsTo",
  "the Intent has no quantity with a unit": "el Intent no tiene una cantidad con unidad",
  "endTime is missing": "falta endTime",
  "endTime is not after startTime": "endTime no es posterior a startTime",
  "location is outside the globe": "la ubicación está fuera del globo",
  "neither updated nor published is set": "no tiene ni updated ni published",
  // Why an activity could not be delivered (Fedify's codes).
  http: "el servidor de destino respondió con un error HTTP",
  "circuit-breaker-ttl": "el servidor de destino lleva demasiado tiempo sin responder; se ha dejado de intentar",

  // Routes, departures, hauls
  "This route belongs to another driver.": es.notYourRoute,
  "The route is withdrawn.": "La ruta está retirada.",
  "The route is already withdrawn.": "La ruta ya está retirada.",
  "The route kept changing while this change was made; try again.":
    "La ruta siguió cambiando mientras se hacía este cambio; vuelve a intentarlo.",
  "The departure is withdrawn.": "La salida está retirada.",
  "The departure is already withdrawn.": "La salida ya está retirada.",
  "The departure has already left.": "La salida ya ha partido.",
  "This departure belongs to another driver's route.": es.notYourDeparture,
  "This departure is withdrawn.": "Esta salida está retirada.",
  "is not a departure known here": "no es una salida conocida en este nodo",
  "its route does not go from the haul's origin to its destination":
    "su ruta no va del origen del transporte a su destino",
  "leaves outside the haul's window": "sale fuera del plazo del transporte",
  "is needed: the route has no room of its own to copy": "hace falta: la ruta no tiene un espacio propio que copiar",
  "the route already has a departure at that time": "la ruta ya tiene una salida a esa hora",
  "give capacityKg, capacityM3 or both": "indica capacityKg, capacityM3 o ambos",
  "needs at least two stops": "necesita al menos dos paradas",
  "appears twice on the route": "aparece dos veces en la ruta",
  "needs at least one departure": "necesita al menos una salida",
  "needs at least one day": "necesita al menos un día",
  "could not be fetched as an ActivityPub actor": "no se ha podido obtener como actor de ActivityPub",
  "is not a community (Group) actor": "no es el actor de una comunidad (Group)",
  "This driver follows this segment for its hand-over only; it was not asked to carry it.":
    "Este conductor sigue este segmento solo por el relevo; no se le pidió que lo llevara.",
  "The haul request was accepted by someone else meanwhile.":
    "Otro conductor ha aceptado la solicitud de transporte mientras tanto.",
  "This haul is carried by another driver (or nobody yet).":
    "Este transporte lo lleva otro conductor (o todavía nadie).",
  "The haul changed meanwhile; try again.": "El transporte ha cambiado mientras tanto; vuelve a intentarlo.",
  "The chain changed meanwhile; try again.": "La cadena ha cambiado mientras tanto; vuelve a intentarlo.",
  "no possible way in the route graph": "no hay ningún camino posible en el grafo de rutas",
  "Only the receiving community confirms a haul.": "Solo la comunidad que recibe confirma un transporte.",
  "Only the requesting community cancels a haul request.":
    "Solo la comunidad que la pidió puede cancelar una solicitud de transporte.",
  "Only the requesting community cancels a chain.": "Solo la comunidad que la pidió puede cancelar una cadena.",
};

const templates: MessageCatalog["templates"] = [
  // Form fields
  [/^is longer than (.+) characters$/, ([n]) => `tiene más de ${n} caracteres`],
  [/^must be at most (.+)$/, ([n]) => `no puede pasar de ${n}`],
  [/^must be after (\S+)$/, ([other]) => `tiene que ser posterior a ${other}`],
  [/^must be between (\S+) and (\S+)$/, ([lo, hi]) => `tiene que estar entre ${lo} y ${hi}`],
  [/^latitude must be between (\S+) and (\S+)$/, ([lo, hi]) => `la latitud tiene que estar entre ${lo} y ${hi}`],
  [/^longitude must be between (\S+) and (\S+)$/, ([lo, hi]) => `la longitud tiene que estar entre ${lo} y ${hi}`],
  [/^must be one of (.+)$/, ([list]) => `tiene que ser una de estas opciones: ${list}`],
  [/^is not a known unit \((.*)\)$/, ([list]) => `no es una unidad conocida (${list})`],
  [/^unknown time zone "(.*)"$/, ([zone]) => `zona horaria desconocida: "${zone}"`],

  // Not found
  [/^No vote (.+)$/, ([id]) => `No existe la votación ${id}`],
  [/^No member (.+)$/, ([id]) => `No existe el miembro ${id}`],
  [/^No shift (.+)$/, ([id]) => `No existe el turno ${id}`],
  [/^No exchange (.+)$/, ([id]) => `No existe el intercambio ${id}`],
  [/^No round (.+)$/, ([id]) => `No existe la ronda ${id}`],
  [/^No route (.+)$/, ([id]) => `No existe la ruta ${id}`],
  [/^No haul request (.+)$/, ([id]) => `No existe la solicitud de transporte ${id}`],
  [/^No haul chain (.+)$/, ([id]) => `No existe la cadena de transportes ${id}`],
  [/^No departure (.+) on this route$/, ([at]) => `Esta ruta no tiene ninguna salida ${at}`],
  [/^No follower with id (.+)$/, ([id]) => `No hay ningún seguidor con el id ${id}`],
  [/^No followed community with id (.+)$/, ([id]) => `No sigues a ninguna comunidad con el id ${id}`],
  [/^No community (.+) on this node$/, ([name]) => `No hay ninguna comunidad ${name} en este nodo`],
  [/^No problem type (.+)$/, ([slug]) => `No existe el tipo de problema ${slug}`],
  [/^No resource kind (.+) defined here$/, ([slug]) => `En este nodo no hay ningún tipo de recurso ${slug}`],
  [/^No such item: (.*)$/, ([raw]) => `No existe ese elemento: ${raw}`],
  [/^No (offer|need) with id (.+)$/, ([kind, id]) => `No hay ninguna ${item(kind)} con el id ${id}`],

  // Members, votes, policy
  [
    /^Member (.+) is (\w+), not pending\.$/,
    ([id, s]) => `El miembro ${id} figura como ${memberStatus(s)}, no como pendiente.`,
  ],
  [/^Member (.+) has already left\.$/, ([id]) => `El miembro ${id} ya se ha dado de baja.`],
  [
    /^a (.+) vote is a yes\/no question; leave options out$/,
    ([kind]) => `una votación de tipo ${kind} es una pregunta de sí o no; no indiques opciones`,
  ],
  [/^choice must be one of: (.*)$/, ([list]) => `la elección tiene que ser una de estas: ${list}`],
  [
    /^Work on shift (.+) by member (.+) on (.+) is already recorded\.$/,
    ([shift, member, date]) => `El trabajo del miembro ${member} en el turno ${shift} el ${date} ya está registrado.`,
  ],
  [/^this shift is full \((.+) people\)$/, ([n]) => `este turno está completo (${n} personas)`],
  [/^only (.+) vouchers left this cycle$/, ([n]) => `solo quedan ${n} vales en este ciclo`],

  // The public ledger
  [/^Could not fetch the ledger: (.*)$/s, ([why]) => `No se ha podido obtener el registro: ${why}`],
  [/^entry (.+) is missing \(found (.+)\)$/, ([n, found]) => `falta la entrada ${n} (se encontró la ${found})`],
  [/^chain broken: (.+)$/s, ([why], again) => `cadena rota: ${again(why)}`],
  [
    /^entry (.+) we saw before is gone \(history shortened\)$/,
    ([n]) => `la entrada ${n}, que ya habíamos visto, ha desaparecido (historial acortado)`,
  ],
  [
    /^entry (.+) differs from the one we saw \(history rewritten\)$/,
    ([n]) => `la entrada ${n} es distinta de la que vimos (historial reescrito)`,
  ],

  // Ratification; a reason never holds "(" or ";", so one inside the list below is read on its own.
  [/^([^;()]+) is an essential good$/, ([resource]) => `${resource} es un bien imprescindible`],
  [
    /^([^;()]+) of ([^;()]+) is above the threshold of ([^;()]+)$/,
    ([amount, resource, threshold]) => `${amount} de ${resource} supera el umbral de ${threshold}`,
  ],
  [
    /^this commitment needs the assembly's vote first \((.*)\)$/s,
    ([reasons], again) => `este compromiso necesita antes el voto de la asamblea (${listOf(reasons, again)})`,
  ],
  [
    /^the assembly's vote was (\w+): the only possible answer is (\w+)$/,
    ([outcome, allowed]) =>
      `el resultado de la votación de la asamblea es «${ratification(outcome)}»: la única respuesta posible es ${answer(allowed)}`,
  ],
  [
    /^the assembly did not ratify this commitment \((.+)\)$/,
    ([outcome]) => `la asamblea no ratificó este compromiso (${ratification(outcome)})`,
  ],

  // Answering exchanges
  [
    /^The deadline to answer \((.+)\) has passed; the proposal lapsed\.$/,
    ([at]) => `El plazo para responder (${at}) ha pasado; la propuesta ha caducado.`,
  ],
  [/^The deadline to answer \((.+)\) has passed\.$/, ([at]) => `El plazo para responder (${at}) ha pasado.`],
  [
    /^The exchange is (.+); it can no longer be answered\.$/,
    ([s]) => `El intercambio está ${exchangeStatus(s)}; ya no se puede responder.`,
  ],
  [/^The exchange is ([^;]+)\.$/, ([s]) => `El intercambio está ${exchangeStatus(s)}.`],
  [
    /^The (supplier|receiver) has already answered \((\w+)\)\.$/,
    ([p, a]) => `${party(p)} ya ha respondido (${answered(a)}).`,
  ],
  [/^must not exceed the proposed (.+)$/, ([q]) => `no puede pasar de lo propuesto: ${q}`],
  [
    /^Only (.+) of this offer is still free \(the rest is promised in other exchanges\); accept a smaller quantity or reject\.$/,
    ([q]) =>
      `Solo quedan libres ${q} de esta oferta (el resto está comprometido en otros intercambios); acepta una cantidad menor o rechaza la propuesta.`,
  ],

  // Legs of an agreement nobody carries
  [
    /^(.+); not asked again: (.+)$/,
    ([stuck, broken], again) => `${again(stuck)}; no se vuelve a pedir: ${again(broken)}`,
  ],
  [/^(.+); waiting for a departure that fits$/, ([stuck], again) => `${again(stuck)}; esperando una salida que encaje`],
  [/^the (offer|need) was withdrawn$/, ([kind]) => `la ${item(kind)} se retiró`],
  [/^the (offer|need)'s window has passed$/, ([kind]) => `el plazo de la ${item(kind)} ha pasado`],
  [/^the (offer|need) is down to (.+)$/, ([kind, q]) => `a la ${item(kind)} solo le quedan ${q}`],

  // Planning rounds and plan checks
  [
    /^the planner ran longer than its time limit of (.+) s and was stopped$/,
    ([s]) => `el planificador superó su límite de tiempo de ${s} s y se detuvo`,
  ],
  [/^planner failed: (.*)$/s, ([why]) => `el planificador falló: ${why}`],
  [/^planner thread crashed: (.*)$/s, ([why]) => `el hilo del planificador se cayó: ${why}`],
  [/^planner thread exited \(code (.+)\)$/, ([code]) => `el hilo del planificador terminó (código ${code})`],
  [
    /^(.+); nothing was proposed \((.+)\)$/s,
    ([why, hint], again) => `${again(why)}; no se propuso nada (${again(hint)})`,
  ],
  [
    /^(.+): the round was not checked \((.+)\)$/s,
    ([why, hint], again) => `${again(why)}: la ronda no se ha comprobado (${again(hint)})`,
  ],
  // A plan check stopped at the time limit; the two composites above end the same way and are theirs.
  [
    /^(.+)(?<!; nothing was proposed|: the round was not checked) \((--planner-time-limit or TENDRIL_PLANNER_TIME_LIMIT allows longer)\)$/s,
    ([why, hint], again) => `${again(why)} (${again(hint)})`,
  ],
  [
    /^the network view does not make a valid problem: (.*)$/s,
    ([errors]) => `la vista de la red no forma un problema válido: ${errors}`,
  ],
  [
    /^the proposal's digest (.+) does not match its round's inputs \((.+)\)$/,
    ([digest, actual]) => `el resumen de la propuesta, ${digest}, no coincide con los datos de su ronda (${actual})`,
  ],
  [/^inputs digest to (.+), the round says (.+)$/, ([a, b]) => `los datos dan el resumen ${a}, la ronda dice ${b}`],
  [/^the round used (.+), this node runs (.+)$/, ([theirs, ours]) => `la ronda usó ${theirs}; este nodo usa ${ours}`],

  // Offers, needs, resource kinds, the network
  [
    /^"(.*)" is not a known resource kind \(see GET \/api\/resources\)$/,
    ([ref]) => `"${ref}" no es un tipo de recurso conocido (consulta GET /api/resources)`,
  ],
  [
    /^This (offer|need) was withdrawn; publish a new one$/,
    ([kind]) => `Esta ${item(kind)} se retiró; publica una nueva`,
  ],
  [/^This (offer|need) is already withdrawn$/, ([kind]) => `Esta ${item(kind)} ya está retirada`],
  [
    /^The (offer|need) changed meanwhile; fetch it and try again$/,
    ([kind]) => `La ${item(kind)} ha cambiado mientras tanto; vuelve a cargarla e inténtalo de nuevo`,
  ],
  [
    /^A kind with slug (.+) exists; pass another slug$/,
    ([slug]) => `Ya existe un tipo con el slug ${slug}; indica otro`,
  ],
  [/^A kind with slug (.+) exists$/, ([slug]) => `Ya existe un tipo con el slug ${slug}`],
  [/^A kind with uri (.+) exists$/, ([uri]) => `Ya existe un tipo con la URI ${uri}`],
  [/^The kind (.+) is already in the catalogue$/, ([uri]) => `El tipo ${uri} ya está en el catálogo`],
  [/^Unit (.+) exists$/, ([code]) => `La unidad ${code} ya existe`],
  [/^Follower (.+) is already (\w+)$/, ([id, s]) => `El seguidor ${id} ya está ${followStatus(s)}`],
  [/^The follow is (\w+), not accepted$/, ([s]) => `El seguimiento está ${followStatus(s)}, no aceptado`],
  [
    /^Could not fetch the offers and needs of (.+)$/,
    ([actor]) => `No se han podido obtener las ofertas y necesidades de ${actor}`,
  ],
  [/^purpose must be offer or request, got (.*)$/, ([p]) => `purpose tiene que ser offer o request, y es ${p}`],
  [/^quantity (.+) is not a positive finite number$/, ([q]) => `la cantidad ${q} no es un número finito positivo`],
  [/^category "(.*)" is not known$/, ([c]) => `la categoría "${c}" es desconocida`],
  [/^priority "(.*)" is not known$/, ([p]) => `la prioridad "${p}" es desconocida`],
  [/^resync: (.+)$/s, ([why], again) => `resincronización: ${again(why)}`],

  // Routes and departures
  [
    /^(.+) (.+) is already booked on leg (.+); the room cannot go below it$/,
    ([booked, unit, leg]) => `ya hay ${booked} ${unit} reservados en el tramo ${leg}; el espacio no puede bajar de eso`,
  ],
  [
    /^is beyond the (.+)-day planning horizon$/,
    ([days]) => `queda más allá del horizonte de planificación de ${days} días`,
  ],
  [
    /^needs one entry per leg: (.+) for (.+) stops, got (.+)$/,
    ([want, stops, got]) => `necesita una entrada por tramo: ${want} para ${stops} paradas, y hay ${got}`,
  ],
  [/^none falls within the next (.+) days$/, ([days]) => `ninguna cae en los próximos ${days} días`],
  [/^stops\[(.+)\]: (.+) could not be fetched$/, ([i, uri]) => `stops[${i}]: no se ha podido obtener ${uri}`],
  [
    /^stops\[(.+)\]: (.+) is not a community actor$/,
    ([i, uri]) => `stops[${i}]: ${uri} no es el actor de una comunidad`,
  ],

  // Hauls and hand-overs
  [/^The haul request is (\w+)\.$/, ([s]) => `La solicitud de transporte está en estado «${haulStatus(s)}».`],
  [
    /^"(.+)" is not possible while the haul is (\w+)$/,
    ([type, s]) => `"${type}" no es posible mientras el transporte está ${haulStatus(s)}`,
  ],
  [
    /^Not enough capacity left on this departure for (.+) kg \/ (.+) m³\.$/,
    ([kg, m3]) => `No queda espacio suficiente en esta salida para ${kg} kg / ${m3} m³.`,
  ],
  [/^Segment (.+?): (.+)$/s, ([n, why], again) => `Segmento ${n}: ${again(why)}`],
  [/^segment (\d+)$/, ([n]) => `el segmento ${n}`],
  [
    /^(segment \d+) is not delivered at (.+) yet \(this node has not heard of it\)$/,
    ([before, at], again) => `${again(before)} todavía no se ha entregado en ${at} (este nodo no sabe nada de él)`,
  ],
  [
    /^(segment \d+) is not delivered at (.+) yet$/,
    ([before, at], again) => `${again(before)} todavía no se ha entregado en ${at}`,
  ],
  [
    /^(segment \d+) ends at (.+), not at (.+)$/,
    ([before, end, at], again) => `${again(before)} termina en ${end}, no en ${at}`,
  ],
  [
    /^(segment \d+) delivered only (.+) at (.+): no more than that can be picked up$/,
    ([before, q, at], again) => `${again(before)} solo entregó ${q} en ${at}: no se puede recoger más que eso`,
  ],
  [
    /^No known departure carries (.+) kg from (.+) to (.+) within the window$/,
    ([kg, from, to]) => `Ninguna salida conocida lleva ${kg} kg de ${from} a ${to} dentro del plazo`,
  ],
  [
    /^(.+), nor does any chain of departures with hand-overs$/s,
    ([why], again) => `${again(why)}, ni ninguna cadena de salidas con relevos`,
  ],
];

export const MESSAGES_ES: MessageCatalog = { exact, templates };
